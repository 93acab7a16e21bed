import ImgmakeKit

ImgmakeMain.run()
